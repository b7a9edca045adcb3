// Maps for signalements, with Leaflet (served from the XStatic-Leaflet package).
// Without JavaScript the address field alone works and the list replaces the map.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof L === "undefined") { return; }
  var FRANCE = [46.6, 2.5];  // when no commune outline is loaded yet
  // Leaflet guesses its marker images from its CSS's address, which the hashed static names
  // break: the template gives their real addresses.
  var icons = document.querySelector("script[data-marker-icon]");
  if (icons) {
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({ iconUrl: icons.dataset.markerIcon,
      iconRetinaUrl: icons.dataset.markerIcon2x, shadowUrl: icons.dataset.markerShadow });
  }

  function baseMap(element, center, zoom) {
    element.hidden = false;
    var map = L.map(element, { keyboard: true });
    var box = (element.dataset.bounds || "").split(",").map(parseFloat);
    if (center) { map.setView(center, zoom); }
    else if (box.length === 4 && !isNaN(box[0])) { map.fitBounds([[box[0], box[1]], [box[2], box[3]]]); }
    else { map.setView(FRANCE, 6); }
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 19, attribution: element.dataset.attribution
    }).addTo(map);
    return map;
  }

  var picker = document.querySelector("[data-map-picker]");
  if (picker) {
    var lat = document.getElementById(picker.dataset.latInput);
    var lon = document.getElementById(picker.dataset.lonInput);
    var help = document.getElementById(picker.dataset.help || "carte-aide");
    var start = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : null;
    var map = baseMap(picker, start, 17);
    var marker = null;
    if (help) { help.hidden = false; }
    function place(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    }
    if (start) { place(L.latLng(start[0], start[1])); }
    map.on("click", function (e) { place(e.latlng); });
    var locate = document.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var here = L.latLng(position.coords.latitude, position.coords.longitude);
          map.setView(here, 17);
          place(here);
        });
      });
    } else if (locate) { locate.hidden = true; }
  }

  // A zone drawn by clicks: a subscriber's district (points as [[lon, lat], …] in a hidden
  // input) or an alert's area (a GeoJSON Polygon in the agent's textarea, data-area-format).
  // Without JavaScript the address and its radius, or the typed GeoJSON, do the same job.
  var zone = document.querySelector("[data-map-area]");
  if (zone) {
    var block = zone.closest("[data-area-block]");
    var input = document.getElementById(zone.dataset.areaInput);
    var status = block.querySelector("[data-area-status]");
    var asGeoJSON = zone.dataset.areaFormat === "geojson";
    block.hidden = false;
    var points = [];
    try { points = input.value ? JSON.parse(input.value) : []; } catch (e) { points = []; }
    if (points && points.type === "Polygon") { points = points.coordinates[0].slice(0, -1); }
    if (!Array.isArray(points)) { points = []; }
    var zoneMap = baseMap(zone, null, 15);
    var shape = L.polygon([], { color: "#000091" }).addTo(zoneMap);
    function redraw(fit) {
      shape.setLatLngs(points.map(function (p) { return [p[1], p[0]]; }));
      if (asGeoJSON) {
        input.value = points.length >= 3 ? JSON.stringify(
          { type: "Polygon", coordinates: [points.concat([points[0]])] }) : "";
      } else {
        input.value = points.length ? JSON.stringify(points) : "";
      }
      status.textContent = points.length === 0 ? "Aucune zone tracée."
        : points.length < 3 ? points.length + " point(s) : encore " + (3 - points.length) + " au moins pour fermer la zone."
        : "Zone tracée : " + points.length + " points.";
      if (fit && points.length >= 3) { zoneMap.fitBounds(shape.getBounds(), { maxZoom: 17 }); }
    }
    zoneMap.on("click", function (e) {
      points.push([+e.latlng.lng.toFixed(6), +e.latlng.lat.toFixed(6)]);
      redraw();
    });
    block.querySelector("[data-area-undo]").addEventListener("click", function () {
      points.pop(); redraw();
    });
    block.querySelector("[data-area-clear]").addEventListener("click", function () {
      points = []; redraw();
    });
    redraw(true);
  }

  var reports = document.querySelector("[data-map-reports]");
  if (reports) {
    var overview = baseMap(reports, null, 13);
    fetch(reports.dataset.mapReports).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, {
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          var link = document.createElement("a");
          link.href = p.url || "/signalements/" + encodeURIComponent(p.reference) + "/";
          link.textContent = p.reference + " — " + p.categorie + " (" + p.statut + ")" +
            (p.adresse ? ", " + p.adresse : "");
          marker.bindPopup(link);
        }
      }).addTo(overview);
      if (data.features.length) { overview.fitBounds(layer.getBounds(), { maxZoom: 16 }); }
    });
  }

  var route = document.querySelector("[data-map-route]");
  if (route) {
    var points = JSON.parse(document.getElementById(route.dataset.mapRoute).textContent);
    var sheet = baseMap(route, null, 13);
    var bounds = [];
    points.forEach(function (p) {
      var icon = L.divIcon({ className: "route-number", html: String(p.n), iconSize: [24, 24] });
      L.marker([p.lat, p.lon], { icon: icon, alt: "Étape " + p.n + " : " + p.ref }).addTo(sheet);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length) { sheet.fitBounds(bounds, { maxZoom: 17, padding: [20, 20] }); }
  }
});
