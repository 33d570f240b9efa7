export interface StubCall {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: unknown;
}

/**
 * A fetch stub answering by "METHOD /path" (or "/path" for any method); each answer is used in
 * turn, the last one repeats. Records every call with its decoded JSON body.
 */
export function stubApi(routes: Record<string, { status?: number; body: unknown }[]>) {
  const calls: StubCall[] = [];
  const used = new Map<string, number>();
  const fetchMock = async (input: RequestInfo | URL): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input));
    const url = new URL(request.url, 'http://localhost');
    const text = request.method === 'GET' ? '' : await request.text();
    calls.push({
      method: request.method,
      path: url.pathname,
      search: url.search,
      headers: request.headers,
      body: text === '' ? null : (JSON.parse(text) as unknown),
    });
    const key = routes[`${request.method} ${url.pathname}`]
      ? `${request.method} ${url.pathname}`
      : url.pathname;
    const answers = routes[key];
    if (answers === undefined || answers.length === 0) {
      return new Response('Not Found', { status: 404 });
    }
    const index = Math.min(used.get(key) ?? 0, answers.length - 1);
    used.set(key, index + 1);
    const answer = answers[index];
    const status = answer?.status ?? 200;
    // A 204 has no body (the Response constructor refuses one).
    return new Response(status === 204 ? null : JSON.stringify(answer?.body ?? null), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { calls, fetchMock };
}

export function envelope(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details, request_id: 'test' } };
}

/** The element, or a failed test saying what was missing (instead of a non-null assertion). */
export function present<T>(value: T | null | undefined, what = 'element'): T {
  if (value === null || value === undefined) {
    throw new Error(`expected the ${what} to be there`);
  }
  return value;
}
