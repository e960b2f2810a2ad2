{{> subject}} — {{title}}
