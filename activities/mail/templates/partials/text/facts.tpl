{{#each facts}}
{{label}} : {{value}}
{{/each}}
