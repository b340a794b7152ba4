// Page helpers shared by the specs: real mouse gestures on the canvas.
import { join } from 'node:path';

export const node = (id) => `.react-flow__node[data-id="${id}"]`;

export async function dropModule(page, key, x, y) {
  const canvas = page.locator('[data-testid="canvas"]');
  await page.locator(`[data-testid="palette-${key}"]`).dragTo(canvas, { targetPosition: { x, y } });
}

async function center(locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('element has no box');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

// Drags a wire from an output handle to an input handle with real mouse events.
export async function connect(page, from, fromPort, to, toPort) {
  const a = await center(page.locator(`${node(from)} .react-flow__handle.source[data-handleid="${fromPort}"]`));
  const b = await center(page.locator(`${node(to)} .react-flow__handle.target[data-handleid="${toPort}"]`));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

export async function selectNode(page, id) {
  await page.locator(`${node(id)} .ld-node`).click({ position: { x: 100, y: 40 } });
  await page.getByRole('complementary', { name: 'Node settings' }).waitFor();
}

export async function field(page, name) {
  return page.locator(`[aria-label="Node settings"] [data-field="${name}"]:not([aria-hidden="true"])`).first();
}

export async function shot(page, dir, name) {
  await page.screenshot({ path: join(dir, name) });
}
