/*
 * Browser side of the PCF harness: a PCF-like runtime for our own controls. It captures the
 * controls the bundles register (as the model-driven runtime does through
 * ComponentFramework.registerControl) and mounts them with a context built from plain values:
 * parameters ({ name: { raw, formatted } }), the user's language (LCID), Dataverse time zone (an
 * IANA zone, turned into getTimeZoneOffsetMinutes per date) and RTL flag. Strings come from the
 * controls' resx, served by the harness as window.PCF_STRINGS. Any use of webAPI, navigation or
 * utils is logged as a console error, since the controls must make no calls of their own.
 */
(function () {
  "use strict";
  var registry = {};
  window.ComponentFramework = {
    registerControl: function (name, ctor) {
      registry[name] = ctor;
    },
  };

  var zoneFormats = {};
  function offsetMinutes(timeZone, date) {
    if (!timeZone) return -date.getTimezoneOffset();
    var parts = {};
    var format = zoneFormats[timeZone] || (zoneFormats[timeZone] = new Intl.DateTimeFormat("en-US", {
      timeZone: timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }));
    format.formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    var wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
    return Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  }

  function forbidden(area) {
    return new Proxy({}, {
      get: function (_t, member) {
        return function () {
          console.error("PCF harness: the control called context." + area + "." + String(member) + ", but it must make no calls of its own");
          return Promise.reject(new Error("not available in the harness"));
        };
      },
    });
  }

  function property(type, value) {
    var p = { error: false, errorMessage: "", type: type, raw: null, formatted: undefined };
    if (value && typeof value === "object" && !(value instanceof Date) && ("raw" in value || "formatted" in value)) {
      p.raw = value.raw;
      p.formatted = value.formatted;
    } else {
      p.raw = value === undefined ? null : value;
    }
    return p;
  }

  function makeContext(controlName, options) {
    var shortName = controlName.split(".").pop();
    var strings = (window.PCF_STRINGS || {})[shortName] || {};
    var parameters = {};
    var types = options.types || {};
    Object.keys(options.parameters || {}).forEach(function (key) {
      parameters[key] = property(types[key] || "unknown", options.parameters[key]);
    });
    return {
      parameters: parameters,
      updatedProperties: [],
      resources: {
        getString: function (id) { return Object.prototype.hasOwnProperty.call(strings, id) ? strings[id] : ""; },
        getResource: function (_id, _ok, failure) { failure(); },
      },
      userSettings: {
        languageId: options.languageId === undefined ? 1033 : options.languageId,
        isRTL: !!options.isRTL,
        userId: "{00000000-0000-0000-0000-000000000001}",
        userName: "Harness User",
        securityRoles: [],
        dateFormattingInfo: {},
        numberFormattingInfo: {},
        getTimeZoneOffsetMinutes: function (date) { return offsetMinutes(options.timeZone, date || new Date()); },
      },
      mode: {
        isControlDisabled: true, isVisible: true, label: shortName, allocatedHeight: -1, allocatedWidth: -1,
        setControlState: function () { return true; }, setFullScreen: function () {}, trackContainerResize: function () {},
      },
      client: { disableScroll: false, getClient: function () { return "Web"; }, getFormFactor: function () { return 1; }, isOffline: function () { return false; }, isNetworkAvailable: function () { return true; } },
      formatting: {},
      webAPI: forbidden("webAPI"),
      navigation: forbidden("navigation"),
      utils: forbidden("utils"),
      device: forbidden("device"),
      factory: { requestRender: function () {} },
    };
  }

  window.PcfHarness = {
    /** A form-like section on the page: <section class="h-card"><h2>title</h2></section>. */
    card: function (title, id) {
      var card = document.createElement("section");
      card.className = "h-card";
      if (id) card.id = id;
      var h = document.createElement("h2");
      h.textContent = title;
      card.appendChild(h);
      document.getElementById("harness").appendChild(card);
      return card;
    },
    /** A labelled form field row in a card; returns the container a control mounts into. */
    field: function (card, label, note, id) {
      var row = document.createElement("div");
      row.className = "h-field";
      if (id) row.id = id;
      var l = document.createElement("div");
      l.className = "h-label";
      l.textContent = label;
      if (note) {
        var small = document.createElement("small");
        small.textContent = note;
        l.appendChild(small);
      }
      var host = document.createElement("div");
      host.className = "h-control";
      row.appendChild(l);
      row.appendChild(host);
      card.appendChild(row);
      return host;
    },
    registered: function () { return Object.keys(registry); },
    /**
     * Mounts a control runs + 1 times into a fresh field (the first run warms up) and times each:
     * script = init and updateView up to a forced layout; frame = up to the next frame after that
     * (style, layout and paint included). Returns [{ script, frame, items }] without the warm-up.
     */
    measureMount: function (controlName, options, runs, itemSelector) {
      var self = this;
      function nextFrame() {
        return new Promise(function (resolve) { requestAnimationFrame(function () { setTimeout(resolve, 0); }); });
      }
      var out = [];
      var r = 0;
      function once() {
        var card = self.card("measure");
        var host = self.field(card, "Audit");
        return nextFrame().then(function () {
          var t0 = performance.now();
          var mounted = self.mount(controlName, host, options);
          void host.getBoundingClientRect().height;
          var t1 = performance.now();
          return nextFrame().then(function () {
            var t2 = performance.now();
            var items = host.querySelectorAll(itemSelector).length;
            mounted.destroy();
            card.remove();
            if (r > 0) out.push({ script: t1 - t0, frame: t2 - t0, items: items });
            r++;
            return r <= runs ? once() : out;
          });
        });
      }
      return once();
    },
    offsetMinutes: offsetMinutes,
    /** Mounts a registered control into container; returns { update(parameters), destroy(), context }. */
    mount: function (controlName, container, options) {
      var Ctor = registry[controlName];
      if (!Ctor) throw new Error("PCF harness: control " + controlName + " is not registered (got " + Object.keys(registry).join(", ") + ")");
      options = options || {};
      var context = makeContext(controlName, options);
      var control = new Ctor();
      control.init(context, function () {}, {}, container);
      control.updateView(context);
      return {
        context: context,
        control: control,
        update: function (parameters) {
          var next = makeContext(controlName, Object.assign({}, options, { parameters: parameters }));
          context.parameters = next.parameters;
          context.updatedProperties = Object.keys(parameters);
          control.updateView(context);
        },
        destroy: function () { control.destroy(); },
      };
    },
  };
})();
