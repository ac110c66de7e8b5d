// Debian's Chromium, headless, as the browser tests start it (webdriver.json): the one place the
// dev scripts here take their flags from.
import puppeteer from 'puppeteer-core';

export const launch = () =>
  puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
