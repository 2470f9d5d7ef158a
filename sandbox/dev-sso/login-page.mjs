const escape = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The dev SSO's own login form (fields `username` and `password`). */
export function loginPage({ uid, clientId, username = '', error = '' }) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Dev SSO — sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}input{padding:.4rem}.error{color:#b00020}</style>
</head><body>
<h1>Sign in</h1>
<p>to <strong>${escape(clientId)}</strong> (dev SSO; try <code>demo</code> / <code>demo1234</code>)</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<label>Username <input name="username" value="${escape(username)}" required autofocus></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button>
</form></body></html>`;
}
