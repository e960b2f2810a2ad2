<ul>
  {{#each items}}
  <li>{{this}}</li>
  {{/each}}
</ul>
