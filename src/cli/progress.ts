/** A one-line progress bar on stderr; silent when stderr is not a terminal, so logs and CI output stay clean. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let lastDraw = 0;
  const draw = (done: number, total: number) => {
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${rate.toLocaleString('en')}/s)`,
    );
  };
  return {
    update(done: number, total: number) {
      if (!stream.isTTY) return;
      if (Date.now() - lastDraw < 100 && done < total) return;
      lastDraw = Date.now();
      draw(done, total);
    },
    finish() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
