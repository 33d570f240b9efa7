/**
 * The errors of the API and how to read a response body. Every call goes through the typed
 * client in `@/lib/api/client` (`api`, or `publicApi` before there is a session); this module
 * only holds what it throws.
 */
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

  /** The stable machine-readable code of the error envelope, e.g. `invalid_signature`. */
  get code(): string | null {
    return envelopeOf(this.body)?.code ?? null;
  }

  /** Per-field messages of a validation error (`{field: [messages]}`). */
  get details(): Record<string, unknown> {
    return envelopeOf(this.body)?.details ?? {};
  }

  get requestId(): string | null {
    return envelopeOf(this.body)?.request_id ?? null;
  }
}

interface ErrorEnvelopeBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
  request_id: string;
}

/** The backend's `{"error": {code, message, details, request_id}}`, if `body` is one. */
export function envelopeOf(body: unknown): ErrorEnvelopeBody | null {
  if (typeof body !== 'object' || body === null) {
    return null;
  }
  const inner = (body as { error?: unknown }).error;
  if (typeof inner !== 'object' || inner === null) {
    return null;
  }
  const error = inner as Partial<ErrorEnvelopeBody>;
  if (typeof error.code !== 'string') {
    return null;
  }
  return {
    code: error.code,
    message: typeof error.message === 'string' ? error.message : error.code,
    details: typeof error.details === 'object' ? error.details : {},
    request_id: typeof error.request_id === 'string' ? error.request_id : '',
  };
}

export async function readBody(response: Response): Promise<unknown> {
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

export function errorMessage(response: Response, body: unknown): string {
  const envelope = envelopeOf(body);
  if (envelope !== null) {
    return envelope.message;
  }
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
