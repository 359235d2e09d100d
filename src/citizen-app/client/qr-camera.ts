import jsQR from 'jsqr';

/*
 * Reads QR codes through the phone's camera: frames from getUserMedia drawn on a canvas and decoded with jsQR
 * a few times a second, until one holds text or the reader is stopped.
 */

export interface CameraReader {
  video: HTMLVideoElement;
  stop(): void;
}

export async function readQrCodes(onCode: (text: string) => void): Promise<CameraReader> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  const video = document.createElement('video');
  video.setAttribute('playsinline', '');
  video.muted = true;
  video.srcObject = stream;
  try {
    await video.play();
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    throw error;
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
  };
  const look = () => {
    if (stopped) return;
    if (video.videoWidth > 0) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const frame = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
      if (code?.data) {
        stop();
        onCode(code.data);
        return;
      }
    }
    setTimeout(look, 200);
  };
  look();
  return { video, stop };
}
