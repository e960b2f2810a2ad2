{{#*inline "subject"}}Convention dénoncée : fin le {{term.end.dateText}}{{/inline}}
{{#*inline "body"}}
{{#para}}
La convention a été dénoncée par {{by}} par lettre recommandée avec accusé de réception du
{{letterSentOn.dateText}} (article 9). Elle prendra fin à son échéance, le {{term.end.dateText}}, et ne sera pas reconduite.
{{/para}}
{{/inline}}
{{> layout}}
