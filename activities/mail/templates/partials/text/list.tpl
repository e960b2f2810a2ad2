{{#each items}}
- {{this}}
{{/each}}
