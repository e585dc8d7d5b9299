/** The app's version, reported by the server's health check and by every device at each sync. */
export const APP_VERSION = '0.2.0';
