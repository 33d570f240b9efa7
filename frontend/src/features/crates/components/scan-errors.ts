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

/** Why the camera cannot scan, in words a person can act on. */
export function cameraErrorMessage(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access was denied. Allow the camera for this site in the browser settings, or type the code (a scanner types it for you).';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found on this device. Type the code or use a scanner.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera is in use by another program or could not start. Close it there and try again.';
    default:
      return `The camera could not start${error instanceof Error && error.message !== '' ? ` (${error.message})` : ''}. Type the code or use a scanner.`;
  }
}

/** Cameras need a secure page (HTTPS or localhost) and a browser that offers them. */
export function cameraAvailable(): boolean {
  return (
    window.isSecureContext &&
    typeof navigator.mediaDevices === 'object' &&
    typeof navigator.mediaDevices.getUserMedia === 'function'
  );
}
