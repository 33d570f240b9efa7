/**
 * A Y4M video of a crate label's QR code, for chromium's fake camera
 * (`--use-file-for-fake-video-capture`). The QR code is made by segno in the backend's
 * virtualenv with the same settings as the printed labels (records/labels.py: error level M).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { BACKEND_DIR } from './backend';

const SCRIPT = `
import sys, segno
text, path = sys.argv[1], sys.argv[2]
width, height, frames = 640, 480, 10
qr = segno.make(text, error="m", micro=False)
matrix = [list(row) for row in qr.matrix]
border = 4
count = len(matrix) + 2 * border
module = min(width, height) * 3 // 4 // count
side = module * count
left, top = (width - side) // 2, (height - side) // 2
luma = bytearray([235]) * (width * height)
for r, row in enumerate(matrix):
    for c, dark in enumerate(row):
        if dark:
            y0 = top + (r + border) * module
            x0 = left + (c + border) * module
            for y in range(y0, y0 + module):
                luma[y * width + x0 : y * width + x0 + module] = bytes([16]) * module
chroma = bytes([128]) * ((width // 2) * (height // 2))
with open(path, "wb") as out:
    out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\\n".encode())
    for _ in range(frames):
        out.write(b"FRAME\\n")
        out.write(luma)
        out.write(chroma)
        out.write(chroma)
`;

export function writeQrVideo(text: string, path: string): void {
  const result = spawnSync(
    join(BACKEND_DIR, '.venv', 'bin', 'python'),
    ['-c', SCRIPT, text, path],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(`QR video failed:\n${result.stdout}\n${result.stderr}`);
  }
}
