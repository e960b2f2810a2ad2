{{#*inline "subject"}}Examen du comité de suivi du {{meeting.dateText}} à enregistrer{{/inline}}
{{#*inline "body"}}
{{#para}}
Le comité de suivi de l’année {{termYear}} était prévu le {{meeting.dateText}} ; son examen du bilan d’activité
n’est pas encore enregistré.
{{/para}}
{{#para}}
Son enregistrement, avec les éventuelles préconisations du comité, transmet le bilan et les préconisations au
procureur de la République (article 8). Si la réunion a été reportée, une nouvelle date peut être fixée par
l’événement « Convocation du comité de suivi ».
{{/para}}
{{/inline}}
{{> layout}}
