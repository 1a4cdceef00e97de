//! A QR code drawn as inline SVG: the setup link for an authenticator app, to scan from the
//! screen. The `qrcode` crate only encodes (which modules are dark); the drawing is one
//! `<path>` built here from that grid, through `html!` like every other element — no markup
//! from elsewhere is parsed. Dark on white in every theme, as scanners expect, with the
//! four-module quiet zone around it.

use qrcode::{Color, EcLevel, QrCode};
use yew::prelude::*;

/// Modules of white margin on each side (the standard's quiet zone).
const QUIET_ZONE: usize = 4;

/// QR code properties.
#[derive(Properties, PartialEq)]
pub struct QrCodeProps {
    /// What the code holds.
    pub text: AttrValue,
    /// What it is, for screen readers.
    pub label: AttrValue,
}

/// `svg.sb-qr`; nothing when the text is too long for a QR code.
#[function_component(QrCodeImage)]
pub fn qr_code_image(props: &QrCodeProps) -> Html {
    let drawing = use_memo(props.text.clone(), |text| {
        QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .ok()
            .map(|code| (code.width(), dark_modules_path(code.width(), &code.to_colors())))
    });
    let Some((width, path)) = (*drawing).clone() else { return Html::default() };
    let side = width + 2 * QUIET_ZONE;
    let view_box = format!("-{QUIET_ZONE} -{QUIET_ZONE} {side} {side}");
    html! {
        <svg class="sb-qr" viewBox={view_box} role="img" aria-label={props.label.clone()}>
            <rect class="sb-qr-margin" x={format!("-{QUIET_ZONE}")} y={format!("-{QUIET_ZONE}")}
                width={side.to_string()} height={side.to_string()} />
            <path class="sb-qr-modules" d={path} />
        </svg>
    }
}

/// An SVG path filling every dark module of a `width`×`width` grid (row by row), each run of
/// dark modules in a row as one rectangle.
fn dark_modules_path(width: usize, colors: &[Color]) -> String {
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|&&c| c == Color::Dark).count();
            path.push_str(&format!("M{x} {y}h{run}v1h-{run}z"));
            x += run;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_dark_modules_become_one_rectangle_each() {
        use Color::{Dark as D, Light as L};
        let grid = [D, D, L, L, D, D];
        assert_eq!(dark_modules_path(3, &grid), "M0 0h2v1h-2zM1 1h2v1h-2z");
    }

    #[test]
    fn an_otpauth_link_fits() {
        let uri = "otpauth://totp/Switchboard:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Switchboard&algorithm=SHA1&digits=6&period=30";
        let code = QrCode::with_error_correction_level(uri, EcLevel::M).unwrap();
        assert!(dark_modules_path(code.width(), &code.to_colors()).starts_with("M0 0h7v1h-7z"));
    }
}
