/** The two barcodes on a student's card, drawn as SVG by bwip-js: Code 128 for door scanners, QR for cameras. */
import { code128, drawingSVG, qrcode } from 'bwip-js/browser';

const parser = new DOMParser();

/** bwip-js's SVG text as an element of this page (parsed, never injected as HTML). */
function svgElement(markup: string, label: string, aspect: 'xMidYMid meet' | 'none'): SVGSVGElement {
  const svg = document.importNode(parser.parseFromString(markup, 'image/svg+xml').documentElement, true) as unknown as SVGSVGElement;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  // The card's style sheet sets the size in millimetres.
  svg.setAttribute('preserveAspectRatio', aspect);
  return svg;
}

export function code128Svg(text: string): SVGSVGElement {
  // Stretched to the card's width: the wider the bars, the farther away a scanner or a camera reads them.
  return svgElement(code128({ bcid: 'code128', text, height: 9, scale: 2 }, drawingSVG()), `Barcode of ${text}`, 'none');
}

export function qrSvg(text: string): SVGSVGElement {
  // BWIPP's default error correction (level M) recovers a scratched or bent card and keeps the modules large for a camera.
  return svgElement(qrcode({ bcid: 'qrcode', text, scale: 2 }, drawingSVG()), `QR code of ${text}`, 'xMidYMid meet');
}
