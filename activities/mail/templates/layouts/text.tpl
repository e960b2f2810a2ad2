Madame, Monsieur,

{{> body}}
{{#if facts.length}}
{{> facts}}
{{/if}}
{{#if action}}
{{> action}}
{{/if}}

--
{{title}}, département {{departement}}
Convention {{conventionId}}{{#if links.convention}} : {{links.convention}}{{/if}}
Message envoyé automatiquement par le suivi des conventions ISCG ; merci de ne pas y répondre.
