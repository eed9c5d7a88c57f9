// Loaded before the editor (Sveltia CMS) on /admin/ only: serves the editor's interface
// translations and fonts from this site instead of the CDNs the bundle would ask.
//
// The bundle fetches its interface language from unpkg.com and its fonts from
// cdn.jsdelivr.net; the page's Content-Security-Policy refuses both hosts. The same files,
// from the pinned npm package, are copied beside this script by the build (plugins/admin).
(() => {
  "use strict";
  const here = document.currentScript.src;
  const settings = document.currentScript.dataset;
  const remote = `https://unpkg.com/@sveltia/cms@${settings.version}/locales/`;
  const local = new URL("locales/", here).href;
  const shipped = new Set(settings.locales.split(" "));
  const fetchOriginal = window.fetch.bind(window);

  window.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(remote)) {
      const name = url.slice(remote.length).replace(/\.json$/, "");
      if (shipped.has(name)) {
        return fetchOriginal(`${local}${name}.json`, init);
      }
    }
    return fetchOriginal(input, init);
  };

  // Faces added through document.fonts take precedence over the bundle's @font-face rules
  // of the same family and descriptors, whose CDN sources the policy refuses.
  const fonts = [
    ["Source Sans 3", "source-sans-3.woff2", { weight: "200 900" }],
    ["Noto Mono", "noto-mono.woff2", { weight: "400" }],
    ["Material Symbols Outlined", "material-symbols-outlined.woff2", { weight: "400" }],
  ];
  for (const [family, file, descriptors] of fonts) {
    const face = new FontFace(family, `url(${new URL(`fonts/${file}`, here).href})`, {
      style: "normal",
      display: "block",
      ...descriptors,
    });
    document.fonts.add(face);
  }
})();
