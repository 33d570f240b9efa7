/**
 * A deliberately small fetch wrapper. The SPA is served from the same origin as the API
 * (nginx in production, the Vite proxy in development), so the base URL is empty and
 * session cookies travel with every request.
 */
export const API_BASE_URL = '';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  /** The decoded response body: parsed JSON when the server sent JSON, else the raw text. */
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export interface ApiRequestOptions extends Omit<RequestInit, 'body'> {
  /** Serialised as JSON, with the matching Content-Type. */
  json?: unknown;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  if (text === '') {
    return null;
  }
  const contentType = response.headers.get('Content-Type') ?? '';
  if (contentType.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function errorMessage(response: Response, body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    for (const key of ['detail', 'message', 'error'] as const) {
      const value = (body as Record<string, unknown>)[key];
      if (typeof value === 'string' && value !== '') {
        return value;
      }
    }
  }
  const reason = response.statusText === '' ? 'request failed' : response.statusText;
  return `${String(response.status)} ${reason}`;
}

/**
 * Fetches `path` relative to {@link API_BASE_URL} and returns the decoded body.
 * Any non-2xx response is thrown as an {@link ApiError} that carries the status and body.
 * The caller states the expected type `T`; it is not checked at run time.
 */
export async function apiFetch<T = unknown>(
  path: string,
  { json, headers, ...init }: ApiRequestOptions = {},
): Promise<T> {
  const requestHeaders = new Headers(headers);
  if (!requestHeaders.has('Accept')) {
    requestHeaders.set('Accept', 'application/json');
  }
  const requestInit: RequestInit = { credentials: 'same-origin', ...init, headers: requestHeaders };
  if (json !== undefined) {
    requestHeaders.set('Content-Type', 'application/json');
    requestInit.body = JSON.stringify(json);
  }

  const response = await fetch(`${API_BASE_URL}${path}`, requestInit);
  const body = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(response, body), body);
  }
  return body as T;
}
