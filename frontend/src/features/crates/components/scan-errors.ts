import { ApiError } from '@/lib/api-client';

export interface ScanProblem {
  title: string;
  message: string;
}

/** What to tell a person whose scan or typed code found no crate. */
export function scanProblem(code: string, error: unknown): ScanProblem {
  if (error instanceof ApiError) {
    if (error.code === 'invalid_crate_code') {
      // The server's own words: not a code at all, or a check digit that does not match.
      return { title: 'Not a valid crate code', message: error.message };
    }
    if (error.status === 404) {
      return {
        title: 'No such crate',
        message: `No crate with the code ${code} in your units.`,
      };
    }
    return { title: 'The lookup failed', message: error.message };
  }
  return {
    title: 'The lookup failed',
    message: error instanceof Error ? error.message : 'Unknown error',
  };
}

// The camera's own messages live with the camera scanner, which several features use.
export { cameraAvailable, cameraErrorMessage } from '@/components/ui/camera';
