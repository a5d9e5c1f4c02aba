import { createHash } from 'node:crypto';
import type { AuthorizeView } from '../../contracts/auth/oauth.dto.js';

export type PageView = Extract<AuthorizeView, { kind: 'page' }>;

/** What the consent page says about well-known scopes; other scopes are shown as named. */
const SCOPE_TEXT: Record<string, string> = {
  openid: 'Confirm who you are',
  profile: 'Read your profile (name, language, time zone)',
  email: 'See your email address',
  offline_access: 'Stay connected when you are away (refresh tokens)',
};

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;background:#f5f6f8;margin:0}' +
  'main{max-width:24rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;' +
  'box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:1.4rem;margin:0 0 1rem}' +
  'label{display:block;margin:0 0 1rem}input{display:block;width:100%;box-sizing:border-box;' +
  'padding:.5rem;margin-top:.25rem;font:inherit}button{font:inherit;padding:.5rem 1.2rem;' +
  'margin-right:.5rem;cursor:pointer}.error{color:#a40000}ul{padding-left:1.2rem}';
/** The one inline style the pages' Content-Security-Policy allows, by its hash. */
const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function layout(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${esc(title)} · Platform</title>` +
    `<style>${STYLE}</style></head><body><main>${body}</main></body></html>`
  );
}

/** The hidden fields that tie a form to its authorization request and page. */
function form(v: PageView, step: string, fields: string): string {
  return (
    `<form method="post" action="authorize">` +
    `<input type="hidden" name="request" value="${esc(v.request)}">` +
    `<input type="hidden" name="csrf" value="${esc(v.csrf)}">` +
    `<input type="hidden" name="step" value="${esc(step)}">${fields}</form>`
  );
}

const alert = (v: PageView) =>
  v.message ? `<p class="error" role="alert" id="message">${esc(v.message)}</p>` : '';

function bodyOf(v: PageView): { title: string; body: string } {
  const client = `<strong id="client">${esc(v.client_name)}</strong>`;
  switch (v.page) {
    case 'login':
      return {
        title: 'Sign in',
        body:
          `<h1>Sign in</h1><p>to continue to ${client}</p>${alert(v)}` +
          form(
            v,
            'login',
            `<label>Email<input type="email" name="email" autocomplete="username" ` +
              `maxlength="254" required autofocus></label>` +
              `<label>Password<input type="password" name="password" ` +
              `autocomplete="current-password" maxlength="1024" required></label>` +
              `<button type="submit">Sign in</button>`,
          ),
      };
    case 'mfa':
      return {
        title: 'Two-factor authentication',
        body:
          `<h1>Two-factor authentication</h1><p>Enter the code from your authenticator app, ` +
          `or one of your recovery codes.</p>${alert(v)}` +
          form(
            v,
            'mfa',
            `<label>Code<input type="text" name="code" inputmode="numeric" ` +
              `autocomplete="one-time-code" maxlength="64" required autofocus></label>` +
              `<button type="submit">Verify</button>`,
          ),
      };
    case 'consent': {
      const scopes = (v.scopes ?? [])
        .map((s) => `<li data-scope="${esc(s)}">${esc(SCOPE_TEXT[s] ?? s)}</li>`)
        .join('');
      return {
        title: 'Allow access',
        body:
          `<h1>Allow access</h1><p>${client} asks to:</p>` +
          `<ul id="scopes">${scopes || '<li>Know that you signed in</li>'}</ul>${alert(v)}` +
          form(
            v,
            'consent',
            `<button type="submit" name="decision" value="allow">Allow</button>` +
              `<button type="submit" name="decision" value="deny">Deny</button>`,
          ),
      };
    }
    default:
      return {
        title: 'Sign-in problem',
        body: `<h1>Something went wrong</h1><p class="error" role="alert" id="message">${esc(v.message)}</p>`,
      };
  }
}

/** A CSP source for an origin; IPv6 literals have no host-source syntax, so their scheme. */
function sourceOf(origin: string | undefined): string {
  if (!origin) return '';
  return /^https?:\/\/\[/.test(origin)
    ? ` ${origin.slice(0, origin.indexOf(':') + 1)}`
    : ` ${origin}`;
}

/**
 * The page's HTML and its Content-Security-Policy: no script at all, the one inline style by
 * hash, never framed, and forms may post only to this server and be redirected only to the
 * client's redirect URI origin (browsers apply form-action to the redirect after a post).
 */
export function renderPage(v: PageView): { html: string; csp: string } {
  const { title, body } = bodyOf(v);
  const formAction = v.page === 'error' ? "'none'" : `'self'${sourceOf(v.redirect_origin)}`;
  return {
    html: layout(title, body),
    csp:
      `default-src 'none'; style-src ${STYLE_SOURCE}; form-action ${formAction}; ` +
      `frame-ancestors 'none'; base-uri 'none'`,
  };
}
