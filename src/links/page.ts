/** The small HTML pages the public function URLs answer with: one title, one message, everything escaped. */
import { escapeHtml } from '../digest/text.js';

/** `extra` is trusted markup built by the caller (already escaped where it holds input). */
export function page(title: string, message: string, extra = ''): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title></head>
<body style="font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;">
<h1 style="font-size:22px;">${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${extra}</body></html>`;
}
