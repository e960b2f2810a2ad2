Pour enregistrer « {{action.label}} » :
- par l’API : {{action.method}} {{#if links.action}}{{links.action}}{{else}}{{action.path}}{{/if}}
  corps JSON : {{action.payload}}
- en ligne de commande :
  {{action.cli}}
