<!DOCTYPE html>
<html lang="fr">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width">
    <title>{{> subject}}</title>
  </head>
  <body style="margin:0;padding:24px;background:#f6f6f6;font-family:Arial,Helvetica,sans-serif;color:#1e1e1e;">
    <div style="max-width:640px;margin:0 auto;background:#ffffff;padding:24px;border-top:4px solid #000091;">
      <p style="margin:0 0 16px;font-size:13px;color:#555555;">{{title}} — {{departement}}</p>
      <p>Madame, Monsieur,</p>
      {{> body}}
      {{#if facts.length}}{{> facts}}{{/if}}
      {{#if action}}{{> action}}{{/if}}
      <hr style="border:none;border-top:1px solid #dddddd;margin:24px 0 12px;">
      <p style="font-size:12px;color:#555555;">
        Convention {{conventionId}}{{#if links.convention}} : <a href="{{links.convention}}">{{links.convention}}</a>{{/if}}<br>
        Message envoyé automatiquement par le suivi des conventions ISCG ; merci de ne pas y répondre.
      </p>
    </div>
  </body>
</html>
