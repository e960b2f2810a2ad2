<div style="margin:16px 0;padding:12px 16px;background:#f0f0ff;">
  <p style="margin:0 0 8px;"><strong>Pour enregistrer « {{action.label}} »</strong></p>
  <p style="margin:0 0 4px;">par l’API{{#if links.action}} (<a href="{{links.action}}">{{links.action}}</a>){{/if}} :</p>
  <pre style="margin:0 0 8px;white-space:pre-wrap;font-size:13px;">{{action.method}} {{action.path}}
Content-Type: application/json

{{action.payload}}</pre>
  <p style="margin:0 0 4px;">ou en ligne de commande :</p>
  <pre style="margin:0;white-space:pre-wrap;font-size:13px;">{{action.cli}}</pre>
</div>
