{{#*inline "subject"}}Convention signée par toutes les parties{{/inline}}
{{#*inline "body"}}
{{#para}}
Toutes les parties ont signé la convention de partenariat relative à l’intervenant social en commissariat et
gendarmerie.
{{/para}}
{{/inline}}
{{> layout}}
