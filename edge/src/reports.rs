//! `GET /api/v1/reports?from=MS&to=MS&offset_minutes=N[&channel&queue&label][&format=csv]`
//! (`protocol::api::reports`): a period's figures, computed by the site's object from each
//! conversation's facts row (`core::reports`), as JSON or CSV.

use switchboard_core::reports::{csv, Narrowed, Period};
use switchboard_protocol::{ApiError, ErrorCode};
use worker::{Request, Response};

use crate::env::Ctx;
use crate::error::EdgeResult;
use crate::objects::site::reports::Report;
use crate::{auth, http, objects};

/// The report asked for.
pub(crate) async fn get(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let agent = auth::authenticate(req, env).await?;
    let number = |name: &'static str, required: bool| -> EdgeResult<Option<i64>> {
        match http::query(req, name)? {
            Some(text) => text.parse().map(Some).map_err(|_| {
                ApiError::new(ErrorCode::BadRequest, format!("{name}: a whole number")).at_field(name).into()
            }),
            None if required => {
                Err(ApiError::new(ErrorCode::BadRequest, format!("{name} is required")).at_field(name).into())
            }
            None => Ok(None),
        }
    };
    let (from, to) = (number("from", true)?.unwrap_or_default(), number("to", true)?.unwrap_or_default());
    let offset = number("offset_minutes", false)?.unwrap_or(0);
    let offset = i32::try_from(offset).unwrap_or(i32::MAX);
    let period = Period::checked(from, to, offset)?;
    let (channel, queue, label) =
        (http::query(req, "channel")?, http::query(req, "queue")?, http::query(req, "label")?);
    let narrowed = Narrowed::checked(channel.as_deref(), queue.as_deref(), label.as_deref())?;
    let figures = objects::send(env, &agent.site, &Report { period, narrowed }).await?;
    match http::query(req, "format")?.as_deref() {
        None | Some("json") => http::json(200, &figures),
        Some("csv") => {
            let response = Response::ok(csv::csv(&figures, period))?;
            response.headers().set("content-type", "text/csv; charset=utf-8")?;
            response.headers().set("content-disposition", "attachment; filename=\"report.csv\"")?;
            Ok(response)
        }
        Some(_) => Err(ApiError::new(ErrorCode::BadRequest, "format: json or csv").at_field("format").into()),
    }
}
