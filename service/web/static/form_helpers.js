// Help while the clerk fills an instrument's form, as the form's fields declare it
// (forms/fields.py picks, shown_when, total_of). Nothing here decides: every rule is checked
// again on the server, and without this script the form works as plain fields.
(function () {
  var script = document.currentScript;
  var root = (script && script.dataset.root) || "";
  var TEXT = {
    expired: (script && script.dataset.textExpired) || "执法证已过期",
    certificate: (script && script.dataset.textCertificate) || "执法证号",
  };
  // A lookup: where it asks, the list in its answer, the key put into the field, the details shown.
  var LOOKUPS = {
    units: {
      url: "/directory/units.json",
      list: "units",
      value: "name",
      detail: function (entry) {
        return [entry.credit_code, entry.town, entry.address].filter(Boolean).join(" · ");
      },
    },
    officers: {
      url: "/directory/officers.json",
      list: "officers",
      value: "name",
      detail: function (entry) {
        var text = TEXT.certificate + " " + entry.certificate;
        return entry.expired ? text + "（" + TEXT.expired + " " + entry.valid_until + "）" : text;
      },
      refused: function (entry) {
        return Boolean(entry.expired);
      },
    },
    notices: {
      url: "/archive/notices.json",
      list: "notices",
      value: "number",
      detail: function (entry) {
        return [entry.inspected_body, entry.issue_date].filter(Boolean).join(" · ");
      },
    },
  };
  var WAIT = 200; // milliseconds after the last keystroke before asking
  var counter = 0;

  // The part of a field's name before its own: "officers-0-" in a row, "" in the form itself.
  function prefixOf(element) {
    var match = /^(.*-\d+-)[^-]+$/.exec(element.name || "");
    return match ? match[1] : "";
  }

  function fieldNamed(form, name) {
    return form ? form.elements.namedItem(name) : null;
  }

  function setValue(element, value) {
    if (!element || element.disabled || element.readOnly) return;
    if (element.tagName === "SELECT") {
      var known = Array.prototype.some.call(element.options, function (option) {
        return option.value === value;
      });
      if (!known) return;
    }
    element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Pickers ------------------------------------------------------------------------------

  function Picker(input) {
    this.input = input;
    this.lookup = LOOKUPS[input.dataset.lookup];
    this.entries = [];
    this.active = -1;
    this.timer = null;
    this.asked = 0;
    this.list = document.createElement("ul");
    this.list.className = "picker";
    this.list.id = "picker-" + ++counter;
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.insertAdjacentElement("afterend", this.list);
    var picker = this;
    // Pressing on an entry must not take the focus from the field before the click picks it.
    this.list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("li[data-index]");
      if (option) picker.pick(Number(option.dataset.index));
    });
  }

  Picker.prototype.ask = function () {
    var picker = this;
    var asked = ++this.asked;
    var url = root + this.lookup.url + "?q=" + encodeURIComponent(this.input.value.trim());
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        // An older answer arriving after a newer one is dropped.
        if (asked !== picker.asked || document.activeElement !== picker.input) return;
        picker.show(answer ? answer[picker.lookup.list] || [] : []);
      })
      .catch(function () {
        picker.close(); // no suggestions: the field is typed as before
      });
  };

  Picker.prototype.later = function () {
    var picker = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      picker.ask();
    }, WAIT);
  };

  Picker.prototype.show = function (entries) {
    var lookup = this.lookup;
    this.entries = entries;
    this.active = -1;
    this.list.textContent = "";
    var picker = this;
    entries.forEach(function (entry, index) {
      var option = document.createElement("li");
      option.id = picker.list.id + "-" + index;
      option.dataset.index = String(index);
      option.setAttribute("role", "option");
      var main = document.createElement("span");
      main.className = "picked-value";
      main.textContent = entry[lookup.value];
      var detail = document.createElement("span");
      detail.className = "picked-detail";
      detail.textContent = lookup.detail(entry);
      option.append(main, " ", detail);
      if (lookup.refused && lookup.refused(entry)) {
        option.setAttribute("aria-disabled", "true");
        option.className = "picker-refused";
      }
      picker.list.appendChild(option);
    });
    var open = this.list.children.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.close = function () {
    clearTimeout(this.timer);
    this.asked++;
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.open = function () {
    return !this.list.hidden && this.entries.length > 0;
  };

  Picker.prototype.refused = function (index) {
    return Boolean(this.lookup.refused && this.lookup.refused(this.entries[index]));
  };

  Picker.prototype.move = function (step) {
    var count = this.entries.length;
    var index = this.active;
    for (var tried = 0; tried < count; tried++) {
      index = (index + step + count) % count;
      if (!this.refused(index)) break;
    }
    if (this.refused(index)) return;
    this.active = index;
    var options = this.list.querySelectorAll("li[data-index]");
    options.forEach(function (option, at) {
      option.setAttribute("aria-selected", String(at === index));
    });
    this.input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.pick = function (index) {
    if (index < 0 || index >= this.entries.length || this.refused(index)) return;
    var entry = this.entries[index];
    var form = this.input.form;
    var prefix = prefixOf(this.input);
    var fills = JSON.parse(this.input.dataset.fills || "{}");
    setValue(this.input, entry[this.lookup.value]);
    Object.keys(fills).forEach(function (key) {
      if (entry[key] !== undefined && entry[key] !== null && entry[key] !== "") {
        setValue(fieldNamed(form, prefix + fills[key]), String(entry[key]));
      }
    });
    this.close();
  };

  function pickerOf(input) {
    if (!input.pickerHelper) input.pickerHelper = new Picker(input);
    return input.pickerHelper;
  }

  function lookupField(target) {
    return target instanceof HTMLInputElement && target.dataset.lookup in LOOKUPS ? target : null;
  }

  document.addEventListener("input", function (event) {
    var input = lookupField(event.target);
    // A value put in by a pick (not a keystroke) asks nothing.
    if (input && event.isTrusted) pickerOf(input).later();
  });
  document.addEventListener("focusin", function (event) {
    var input = lookupField(event.target);
    if (input) pickerOf(input).later();
  });
  document.addEventListener("focusout", function (event) {
    var input = lookupField(event.target);
    if (input && input.pickerHelper) input.pickerHelper.close();
  });
  document.addEventListener("keydown", function (event) {
    var input = lookupField(event.target);
    // An input method's Enter picks its characters, not an entry.
    if (!input || event.isComposing || !input.pickerHelper || !input.pickerHelper.open()) return;
    var picker = input.pickerHelper;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      picker.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && picker.active >= 0) {
      event.preventDefault(); // Enter picks the entry; it never submits the form
      picker.pick(picker.active);
    } else if (event.key === "Escape") {
      picker.close();
    }
  });

  // Fields shown only when they apply ----------------------------------------------------

  function valueOf(element) {
    // A field itself hidden does not apply, and neither does what it would show.
    if (!element || element.disabled) return "";
    if (element instanceof RadioNodeList) return element.value;
    if (element.type === "checkbox") return element.checked ? element.value : "";
    return element.value;
  }

  function wrapperOf(element) {
    return element.closest("ol.rows label") || element.closest(".field") || element;
  }

  function applyConditions(form) {
    form.querySelectorAll("[data-shown-when]").forEach(function (element) {
      var condition = JSON.parse(element.dataset.shownWhen);
      var other = fieldNamed(form, prefixOf(element) + condition.field);
      var shown = condition.values.indexOf(valueOf(other)) >= 0;
      wrapperOf(element).hidden = !shown;
      // Hidden, it is not sent: a fact that does not apply is not refused for what it held.
      element.disabled = !shown;
    });
  }

  // Totals computed from the rows ---------------------------------------------------------

  function computeTotals(form) {
    form.querySelectorAll("[data-total-of]").forEach(function (total) {
      var parts = total.dataset.totalOf.split("-");
      var pattern = new RegExp("^" + parts[0] + "-\\d+-" + parts.slice(1).join("-") + "$");
      var sum = 0;
      Array.prototype.forEach.call(form.elements, function (element) {
        if (!pattern.test(element.name || "")) return;
        var number = parseInt(element.value, 10);
        if (/^\s*\d+\s*$/.test(element.value) && !isNaN(number)) sum += number;
      });
      total.readOnly = true;
      total.classList.add("computed");
      if (total.value !== String(sum)) {
        total.value = String(sum);
        total.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-shown-when],[data-total-of]")) return;
    function update(event) {
      if (event && event.target && event.target.dataset && "totalOf" in event.target.dataset) return;
      applyConditions(form);
      computeTotals(form);
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  });
})();
