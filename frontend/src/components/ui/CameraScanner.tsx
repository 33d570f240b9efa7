import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';

import { cameraAvailable, cameraErrorMessage } from './camera';

interface CameraScannerProps {
  onCode: (code: string) => void;
  onClose: () => void;
}

type CameraState =
  { kind: 'starting' } | { kind: 'scanning' } | { kind: 'failed'; message: string };

/**
 * Reads a crate label's QR code for any scan box (crate lookup, inventory audits) (segno, error level M: the crate code as text) from the
 * camera with @zxing/browser, loaded on first use. Without a camera, or when permission is
 * refused, it says so and the scan box still takes typed or wedge-scanned codes.
 */
export function CameraScanner({ onCode, onClose }: CameraScannerProps) {
  // A callback ref: the modal mounts its content in a portal after the first effects run.
  const [element, setElement] = useState<HTMLVideoElement | null>(null);
  const [supported] = useState(cameraAvailable);
  const [state, setState] = useState<CameraState>(
    supported
      ? { kind: 'starting' }
      : {
          kind: 'failed',
          message:
            'This browser offers no camera on this page (cameras need HTTPS). Type the code or use a scanner.',
        },
  );
  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  }, [onCode]);

  useEffect(() => {
    if (!supported || element === null) {
      return;
    }
    const run = { stopped: false };
    // Read through a call: the cleanup may set it while the camera starts (TS cannot see that).
    const isStopped = () => run.stopped;
    let stop: (() => void) | null = null;
    void (async () => {
      try {
        const { BrowserQRCodeReader } = await import('@zxing/browser');
        if (isStopped()) {
          return;
        }
        const reader = new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 150 });
        const controls = await reader.decodeFromConstraints(
          { video: { facingMode: { ideal: 'environment' } }, audio: false },
          element,
          (result, _error, scanning) => {
            if (result !== undefined && !isStopped()) {
              run.stopped = true;
              scanning.stop();
              onCodeRef.current(result.getText().trim());
            }
          },
        );
        if (isStopped()) {
          controls.stop();
          return;
        }
        stop = () => {
          controls.stop();
        };
        setState({ kind: 'scanning' });
      } catch (error) {
        if (!isStopped()) {
          setState({ kind: 'failed', message: cameraErrorMessage(error) });
        }
      }
    })();
    return () => {
      run.stopped = true;
      stop?.();
    };
  }, [supported, element]);

  return (
    <Modal opened onClose={onClose} title="Scan a crate label with the camera" centered size="lg">
      <Stack>
        {state.kind === 'failed' ? (
          <Alert color="yellow" role="alert" title="The camera cannot scan">
            {state.message}
          </Alert>
        ) : (
          <>
            <Text size="sm" role="status" aria-live="polite">
              {state.kind === 'starting'
                ? 'Starting the camera…'
                : 'Hold the label’s QR code in front of the camera.'}
            </Text>
            <video
              ref={setElement}
              muted
              playsInline
              aria-label="Camera preview"
              data-testid="camera-preview"
              style={{ width: '100%', maxHeight: '60vh', background: '#000', borderRadius: 4 }}
            />
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
