/**
 * Test preload (`node --import ./test/support/fake-clock.mjs`): the process's wall clock starts
 * at PLATFORM_FAKE_NOW (ISO 8601) and runs on from there. Only Date moves; timers, the
 * databases' own clocks and token lifetimes (relative) behave as usual. Used by e2e tests that
 * must ingest events at a chosen date, such as a daylight-saving change.
 */
const fakeNow = Date.parse(process.env.PLATFORM_FAKE_NOW ?? '');
if (Number.isFinite(fakeNow)) {
  const RealDate = Date;
  const offset = fakeNow - RealDate.now();
  class FakeDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = FakeDate;
}
