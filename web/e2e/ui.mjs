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

// Configures window node `id` through its generated form as a user would: a running sum of
// `amount` per `region`, ordered by `id`, named running_total.
export async function configureRunningTotal(page, id) {
  await selectNode(page, id);
  const panel = page.locator('[aria-label="Node settings"]');
  const partition = await field(page, 'partition_by');
  await partition.click();
  await page.getByRole('option', { name: /region/ }).waitFor({ timeout: 10_000 }); // upstream columns offered
  await partition.fill('region');
  await partition.press('Enter');
  await panel.getByRole('button', { name: 'Add order by' }).click();
  await panel.getByRole('button', { name: 'Add function' }).click();
  await panel.getByRole('combobox', { name: 'Function' }).click();
  await page.getByRole('option', { name: 'sum', exact: true }).click();
  const columns = panel.locator('[data-field="column"]:not([aria-hidden="true"])');
  // The function's column comes first (the form lists functions above order_by).
  await columns.nth(0).fill('amount');
  await columns.nth(1).fill('id');
  await (await field(page, 'as')).fill('running_total');
  // The module's schema gives every function the default offset 1, which the engine refuses for
  // anything but lag/lead ("only lag and lead take an offset"): a user has to clear it.
  await (await field(page, 'offset')).fill('');
}

export async function shot(page, dir, name) {
  await page.screenshot({ path: join(dir, name) });
}
