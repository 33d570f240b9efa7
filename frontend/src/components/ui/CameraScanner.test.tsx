import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { renderWithProviders } from '@/test/render';

import { CameraScanner } from './CameraScanner';

type Callback = (
  result: { getText: () => string } | undefined,
  error: unknown,
  controls: { stop: () => void },
) => void;

const camera = vi.hoisted(() => ({
  start: vi.fn<(callback: Callback) => Promise<{ stop: () => void }>>(),
}));

vi.mock('@zxing/browser', () => ({
  BrowserQRCodeReader: class {
    decodeFromConstraints(_constraints: unknown, _video: unknown, callback: Callback) {
      return camera.start(callback);
    }
  },
}));

function withCamera(available: boolean) {
  vi.stubGlobal('isSecureContext', available);
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: available ? { getUserMedia: vi.fn() } : undefined,
  });
}

describe('CameraScanner', () => {
  beforeEach(() => {
    camera.start.mockReset();
  });
  afterEach(() => {
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: undefined });
  });

  it('explains that there is no camera, without trying one', () => {
    withCamera(false);
    renderWithProviders(<CameraScanner onCode={vi.fn()} onClose={vi.fn()} />);
    expect(screen.getByRole('alert')).toHaveTextContent(/offers no camera/);
    expect(camera.start).not.toHaveBeenCalled();
  });

  it('explains a refused permission', async () => {
    withCamera(true);
    camera.start.mockRejectedValue(new DOMException('Permission denied', 'NotAllowedError'));
    renderWithProviders(<CameraScanner onCode={vi.fn()} onClose={vi.fn()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(/Camera access was denied/);
  });

  it('hands over the code read from a label and stops the camera', async () => {
    withCamera(true);
    const stop = vi.fn();
    camera.start.mockImplementation((callback) => {
      setTimeout(() => {
        callback({ getText: () => ' GOA1-QA-2026-000005-2 ' }, undefined, { stop });
      }, 10);
      return Promise.resolve({ stop });
    });
    const onCode = vi.fn();
    renderWithProviders(<CameraScanner onCode={onCode} onClose={vi.fn()} />);
    await waitFor(() => {
      expect(onCode).toHaveBeenCalledWith('GOA1-QA-2026-000005-2');
    });
    expect(stop).toHaveBeenCalled();
    expect(onCode).toHaveBeenCalledOnce();
  });
});
