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

/** A page as the first-paint benchmark opens one: a 412×915 phone window with the cache off
 * (cleared before each load with `cdp.send('Network.clearBrowserCache')`). */
export const coldPhonePage = async (browser) => {
  const page = await browser.newPage();
  await page.setViewport({ width: 412, height: 915 });
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return { page, cdp };
};
