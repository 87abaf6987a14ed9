/* ReDoc's sidebar shows a "powered by" logo from its CDN. credex's API docs load nothing from
   another site, so that one image is the package's own favicon instead. Loaded before ReDoc. */
(function () {
  "use strict";
  var cdn = "https://cdn.redoc.ly/";
  var local = "/docs/assets/favicon.png";
  function localized(value) {
    return String(value).indexOf(cdn) === 0 ? local : value;
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    var isImageSource = this instanceof HTMLImageElement && String(name).toLowerCase() === "src";
    return setAttribute.call(this, name, isImageSource ? localized(value) : value);
  };
  var source = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: source.enumerable,
    get: source.get,
    set: function (value) {
      source.set.call(this, localized(value));
    },
  });
})();
