{{#each report.statistics}}
- {{name}} : {{value}}
{{/each}}
