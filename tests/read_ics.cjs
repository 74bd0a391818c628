// Reads an iCalendar text on standard input with Mozilla's ical.js (the parser of
// Thunderbird's calendar) and prints what it understood as JSON: the calendar's
// properties and each event's, with times as ical.js resolves them against the
// calendar's own VTIMEZONE. A text ical.js cannot parse exits non-zero with its error.
const ICAL = require("ical.js");

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", () => {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const property = (component, name) => {
    const values = component.getAllProperties(name);
    return values.length ? values.map((p) => String(p.getFirstValue())) : null;
  };
  const time = (value) => value && {
    local: value.toString(),
    zone: value.zone ? value.zone.tzid : null,
    utc: value.isDate ? null : value.toUnixTime(),
    isDate: value.isDate,
  };
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location,
      sequence: event.sequence,
      status: property(component, "status"),
      transp: property(component, "transp"),
      url: property(component, "url"),
      start: time(event.startDate),
      end: time(event.endDate),
    };
  });
  const names = ["version", "prodid", "name", "x-wr-calname", "method", "refresh-interval", "x-published-ttl"];
  const props = Object.fromEntries(names.map((name) => [name, property(calendar, name)]));
  process.stdout.write(JSON.stringify({ properties: props, events }));
});
