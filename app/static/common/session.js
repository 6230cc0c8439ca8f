// Signing in, as both apps do it: a token for the username and password, then the account
// it belongs to. Each app checks the account's role and keeps the session its own way.

import { HttpError, NetworkError } from "./api.js";

export class LoginRefused extends Error {}

// Why a sign-in failed, in words for the form; `network` tells what to check with no answer.
function refusal(error, network) {
  if (error instanceof NetworkError) {
    return `Server tidak dapat dihubungi. Periksa ${network}, lalu coba lagi.`;
  }
  if (error instanceof HttpError) {
    if (error.status === 401) return "Nama pengguna atau kata sandi salah.";
    if (error.status === 429) {
      const wait = Math.ceil(error.retryAfter || 60);
      return `Terlalu banyak percobaan gagal. Coba lagi dalam ${wait} detik.`;
    }
    if (error.status === 422) return "Isi nama pengguna dan kata sandi.";
  }
  return "Masuk gagal. Coba lagi sebentar lagi.";
}

// The token ({access_token, expires_in}) and the account (GET /me) of a username and password,
// through the app's `api` (its `login` and `me`), or a LoginRefused that says why not.
export async function signIn(api, username, password, { network = "jaringan" } = {}) {
  try {
    const token = await api.login(username.trim(), password);
    return { token, me: await api.me(token.access_token) };
  } catch (error) {
    throw new LoginRefused(refusal(error, network));
  }
}

// The session's token and when it ends, as both apps keep them.
export const tokenFields = (token) => ({ token: token.access_token, expires_at: Date.now() + token.expires_in * 1000 });
