/** The baseline page only installs its worker; the benchmark posts the marks from the page itself. */
void navigator.serviceWorker.register('/baseline/sw.js', { scope: '/baseline/' });
