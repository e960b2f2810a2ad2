import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { createEvent, type DateArray, type EventAttributes } from 'ics';
import { formatEuros, frenchTime } from '../../domain/mail/content';
import { templatesFolder } from '../templates-folder';
import type { IcsEvent, MailRequest } from '../../domain/mail/mail-request';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  ics: string | null;
}

export interface RenderOptions {
  publicUrl: string | null;
  /** Domain of the Message-ID, also used for calendar uids. */
  domain: string;
}

export interface MailTemplates {
  /** Template names found at load time ('reminders/signature', 'notices/in-force', …). */
  readonly names: readonly string[];
  render(request: MailRequest, options: RenderOptions): RenderedMail;
}

/** Where the templates are: beside this file, or the source folder from a compiled tree. */
export function defaultTemplatesDir(): string {
  return templatesFolder(__dirname, 'mail');
}

/**
 * The templates are Handlebars files ending in `.tpl` (Prettier's Handlebars parser rejects the
 * inline partials they use). Each message template defines an inline `subject` and `body` and
 * calls `{{> layout}}`; it is compiled three times, for the subject, the text and the HTML part,
 * each environment lending its own layout and partials. Only the HTML environment escapes.
 */
function readTemplates(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.tpl'))
        files.set(
          path.relative(dir, full).slice(0, -'.tpl'.length).split(path.sep).join('/'),
          fs.readFileSync(full, 'utf8'),
        );
    }
  };
  walk(dir);
  return files;
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

type Format = 'subject' | 'text' | 'html';

function environment(format: Format, files: Map<string, string>): typeof Handlebars {
  const env = Handlebars.create();
  const source = (name: string) => {
    const text = files.get(name);
    if (text === undefined) throw new Error(`modèle de courriel introuvable: ${name}`);
    return text;
  };
  // Partials are registered compiled: Handlebars would otherwise compile a partial given as text
  // again at every render, inline partials in scope (the layout always is).
  const options = format === 'html' ? {} : { noEscape: true };
  env.registerPartial(
    'layout',
    env.compile(format === 'subject' ? source('layouts/subject') : source(`layouts/${format}`), options),
  );
  const partialFormat = format === 'html' ? 'html' : 'text';
  for (const [name, text] of files) {
    const prefix = `partials/${partialFormat}/`;
    if (name.startsWith(prefix)) env.registerPartial(name.slice(prefix.length), env.compile(text, options));
  }
  const paragraph = format === 'html' ? env.compile('<p>{{content}}</p>\n') : null;
  env.registerHelper('para', function (this: unknown, options: Handlebars.HelperOptions) {
    const content = collapse(options.fn(this));
    if (!paragraph) return `${content}\n\n`;
    return new env.SafeString(paragraph({ content: new env.SafeString(content) }));
  });
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  env.registerHelper('euros', (amount: unknown) => (typeof amount === 'number' ? formatEuros(amount) : ''));
  env.registerHelper('heure', (time: unknown) => (typeof time === 'string' ? frenchTime(time) : ''));
  return env;
}

/** Plain text: no trailing spaces, no run of blank lines, one final newline. */
function tidyText(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

function dateArray(date: string): DateArray {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

function nextDay(date: string): DateArray {
  const [y, m, d] = dateArray(date);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
}

/**
 * The .ics file. A meeting is written as a UTC instant, read right by every calendar whatever
 * its own zone (the `ics` package writes no VTIMEZONE); a deadline is an all-day date.
 */
/** `ics` validates and writes DTSTAMP from `timestamp`, which its type declarations leave out. */
type IcsAttributes = EventAttributes & { timestamp: number };

export function renderIcs(event: IcsEvent, domain: string): string {
  const common = {
    uid: `${event.uid}@${domain}`,
    title: event.title,
    description: event.description ?? undefined,
    location: event.location ?? undefined,
    productId: '-//ISCG Conventions//FR',
    method: 'PUBLISH',
    status: 'CONFIRMED' as const,
    busyStatus: event.start === null ? ('FREE' as const) : ('BUSY' as const),
    sequence: event.sequence,
    // DTSTAMP: the planned instant, so a re-rendered file is byte for byte the same.
    timestamp: event.stamp,
  };
  const attributes: IcsAttributes =
    event.start === null
      ? { ...common, start: dateArray(event.date), end: nextDay(event.date) }
      : {
          ...common,
          start: event.start,
          startInputType: 'utc',
          startOutputType: 'utc',
          duration: { minutes: event.durationMinutes },
        };
  const { error, value } = createEvent(attributes);
  if (error || !value) throw new Error(`invitation de calendrier invalide: ${error?.message ?? 'vide'}`);
  return value;
}

export function loadTemplates(dir: string = defaultTemplatesDir()): MailTemplates {
  const files = readTemplates(dir);
  const envs = {
    subject: environment('subject', files),
    text: environment('text', files),
    html: environment('html', files),
  };
  const compiled = new Map<string, Record<Format, HandlebarsTemplateDelegate>>();
  const templateNames = [...files.keys()].filter(
    (n) => !n.startsWith('layouts/') && !n.startsWith('partials/'),
  );

  const compile = (name: string) => {
    let entry = compiled.get(name);
    if (!entry) {
      const source = files.get(name);
      if (source === undefined) throw new Error(`modèle de courriel introuvable: ${name}`);
      entry = {
        subject: envs.subject.compile(source, { noEscape: true }),
        text: envs.text.compile(source, { noEscape: true }),
        html: envs.html.compile(source),
      };
      compiled.set(name, entry);
    }
    return entry;
  };
  // Every template compiles at start-up: a broken file stops the worker, not a reminder in a year.
  for (const name of templateNames) compile(name);

  return {
    names: templateNames,
    render(request, options) {
      const base = options.publicUrl?.replace(/\/+$/, '') ?? null;
      const action = request.data.action as { path?: string } | null | undefined;
      const data = {
        ...request.data,
        links: {
          convention: base ? `${base}/conventions/${request.conventionId}` : null,
          action: base && action?.path ? `${base}${action.path}` : null,
        },
      };
      const template = compile(request.template);
      return {
        subject: collapse(template.subject(data)),
        text: tidyText(template.text(data)),
        html: `${template.html(data).trim()}\n`,
        ics: request.ics ? renderIcs(request.ics, options.domain) : null,
      };
    },
  };
}
