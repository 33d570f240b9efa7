/**
 * The ops probes, served outside /api/v1 and so outside the generated OpenAPI schema, written
 * by hand in the same shape so the one typed client can call them too.
 */
interface NoParameters {
  query?: never;
  header?: never;
  path?: never;
  cookie?: never;
}

interface Probe {
  parameters: NoParameters;
  get: {
    parameters: NoParameters;
    requestBody?: never;
    responses: {
      200: { headers: Record<string, unknown>; content: { 'application/json': unknown } };
      503: { headers: Record<string, unknown>; content: { 'application/json': unknown } };
    };
  };
  put?: never;
  post?: never;
  delete?: never;
  options?: never;
  head?: never;
  patch?: never;
  trace?: never;
}

export interface OpsPaths {
  '/healthz': Probe;
  '/readyz': Probe;
}
