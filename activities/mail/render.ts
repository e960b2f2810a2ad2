import type { MailRequest } from '../../domain/mail/mail-request';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  ics: string | null;
}

export interface RenderOptions {
  publicUrl: string | null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderMail(request: MailRequest, _options: RenderOptions): RenderedMail {
  const title = typeof request.data.title === 'string' ? request.data.title : '';
  const subject = `[ISCG] ${title} — ${request.summary}`;
  const text = `${request.summary}\n\n${title}\n`;
  return {
    subject,
    text,
    html: `<p>${escapeHtml(request.summary)}</p><p>${escapeHtml(title)}</p>`,
    ics: null,
  };
}
