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
