// Preloaded (`node --require`) by the determinism test: the process believes it is
// FAKE_CLOCK_DAYS days later than it is. Rendering must not notice.
const days = Number(process.env.FAKE_CLOCK_DAYS || 0);
const offset = days * 24 * 3600 * 1000;
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = ShiftedDate;
