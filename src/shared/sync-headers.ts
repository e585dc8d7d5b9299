/**
 * Headers a device sends with every sync so the admin's device list shows
 * its state: the app version, and how much waits in its queue.
 */
export const APP_VERSION_HEADER = 'x-doorline-app';
/**
 * `<waiting ops>;<oldest waiting op's time, epoch ms, or 0>`: what the device
 * holds beside the ops of this request (and of any sent beside it in the same
 * pass), so what it still holds once the request is through. A worker that
 * sends no HEALTH_HEADER is older and counted this request's ops too.
 */
export const QUEUE_HEADER = 'x-doorline-queue';
/**
 * On a batch: `<link score 0-100>;<good|fair|poor|offline>;<storage left, bytes, or empty>;<failures>`,
 * the failures `<error code>@<epoch ms>` joined by commas, newest first, at most 3.
 */
export const HEALTH_HEADER = 'x-doorline-health';
/** The device's clock as it sends, epoch ms: lets the server correct ops made before the device ever measured its offset. */
export const DEVICE_CLOCK_HEADER = 'x-doorline-clock';
/** A staff browser's device id on its change-feed pulls, so its own marks are not sent back to it. */
export const DEVICE_ID_HEADER = 'x-doorline-device';
/** The device's change-feed cursor, sent with a batch: the answer then carries the changes after it. */
export const CURSOR_HEADER = 'x-doorline-cursor';
