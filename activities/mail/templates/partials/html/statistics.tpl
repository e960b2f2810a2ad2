<ul>
  {{#each report.statistics}}
  <li>{{name}} : {{value}}</li>
  {{/each}}
</ul>
