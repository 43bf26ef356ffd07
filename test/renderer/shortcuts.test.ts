// @vitest-environment happy-dom
// Single-key shortcuts can be turned off (WCAG 2.1.4), from the shortcuts list, and stay off the
// next time the studio opens; shortcuts with Ctrl and non-character keys keep working.
import { beforeEach, describe, expect, it } from 'vitest';
import { settle, useDom } from './helpers/dom.js';
import { openApp } from './helpers/open-app.js';
import { fullRun, runSummary } from './helpers/fixtures.js';

useDom();
beforeEach(() => localStorage.clear());

async function press(key: string, init: KeyboardEventInit = {}) {
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  await settle();
}

async function turnOff(target: HTMLElement) {
  (target.querySelector('button.help') as HTMLButtonElement).click();
  await settle();
  const toggle = [...target.querySelectorAll('dialog label')]
    .find((l) => l.textContent?.includes('Single-key shortcuts'))!
    .querySelector('input')!;
  expect(toggle.checked).toBe(true);
  toggle.click();
  await settle();
}

describe('single-key shortcuts', () => {
  it('act by default', async () => {
    await openApp('#/');
    await press('n');
    expect(location.hash).toBe('#/new');
  });

  it('turn off from the shortcuts list, and stay off when the studio opens again', async () => {
    const first = await openApp('#/');
    await turnOff(first.target);
    (first.target.querySelector('dialog form button') as HTMLButtonElement).click();
    await settle();
    await press('n');
    expect(location.hash).toBe('#/');
    await press('2');
    expect(location.hash).toBe('#/');

    // A new page load: the choice was kept.
    first.target.remove();
    const second = await openApp('#/p/p_abcdef12/dataset');
    await press('3');
    expect(location.hash).toBe('#/p/p_abcdef12/dataset');
    (second.target.querySelector('button.help') as HTMLButtonElement).click();
    await settle();
    const toggle = [...second.target.querySelectorAll('dialog label')]
      .find((l) => l.textContent?.includes('Single-key shortcuts'))!
      .querySelector('input')!;
    expect(toggle.checked).toBe(false);
  });

  it('off, leave the Live view’s keys alone too', async () => {
    const run = runSummary({ id: 'r_live0001', status: 'running' });
    const { target, client } = await openApp(`#/p/p_abcdef12/live/${run.id}`, {
      'runs.get': () => fullRun(run),
      'runs.pause': () => fullRun(run),
    });
    const pauses = () => client.calls.filter((c) => c.method === 'runs.pause').length;
    await press('p');
    expect(pauses()).toBe(1);
    await turnOff(target);
    (target.querySelector('dialog form button') as HTMLButtonElement).click();
    await settle();
    await press('p');
    expect(pauses()).toBe(1);
  });
});
