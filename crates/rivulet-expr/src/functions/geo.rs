//! GEO_DISTANCE: the great-circle (haversine) distance between two points given as
//! (lat1, lon1, lat2, lon2) in decimal degrees, in kilometres (radius 6371) unless the unit says
//! miles (radius 3959), exactly as ksqlDB's `GeoDistance`.
//!
//! This module owns that function. It must not know other families.

use rivulet_core::Value;

use super::{registry::Builder, Invocation};
use crate::error::FunctionError;

const EARTH_RADIUS_KM: f64 = 6371.0;
const EARTH_RADIUS_MILES: f64 = 3959.0;
const MILES: &[&str] = &["mi", "mile", "miles"];
const KILOMETRES: &[&str] = &["km", "kilometer", "kilometers", "kilometre", "kilometres"];

/// The earth radius for a unit name (trimmed, case-insensitive; empty or absent means km).
fn radius(unit: Option<&str>) -> Result<f64, FunctionError> {
    let Some(unit) = unit.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(EARTH_RADIUS_KM);
    };
    let unit = unit.to_lowercase();
    if MILES.contains(&unit.as_str()) {
        Ok(EARTH_RADIUS_MILES)
    } else if KILOMETRES.contains(&unit.as_str()) {
        Ok(EARTH_RADIUS_KM)
    } else {
        Err("GeoDistance function units parameter must be one of mi, mile, miles, km, kilometer, kilometers, kilometre, or kilometres. Values are case-insensitive.".into())
    }
}

/// Degrees to radians as Java 8's `Math.toRadians` computes it (`deg / 180 × π`), so results
/// match ksqlDB's to the last bit.
fn to_radians(degrees: f64) -> f64 {
    degrees / 180.0 * std::f64::consts::PI
}

/// Haversine distance in units of `radius`.
pub fn haversine(lat1: f64, lon1: f64, lat2: f64, lon2: f64, radius: f64) -> f64 {
    let haversin = |v: f64| (v / 2.0).sin().powi(2);
    let d_lat = to_radians(lat2 - lat1);
    let d_lon = to_radians(lon2 - lon1);
    let a = haversin(d_lat) + haversin(d_lon) * to_radians(lat1).cos() * to_radians(lat2).cos();
    2.0 * a.sqrt().asin() * radius
}

fn geo_distance(inv: &mut Invocation<'_, '_>) -> Result<Value, FunctionError> {
    // The coordinates are Java primitives: NULL is an error, not a NULL result.
    let mut c = [0.0; 4];
    for (i, slot) in c.iter_mut().enumerate() {
        if inv.is_null(i) {
            return Err(format!("coordinate argument {} is NULL", i + 1).into());
        }
        *slot = inv.double(i)?;
    }
    let [lat1, lon1, lat2, lon2] = c;
    if lat1 < -90.0 || lat2 < -90.0 || lat1 > 90.0 || lat2 > 90.0 {
        return Err("valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees".into());
    }
    if lon1 < -180.0 || lon2 < -180.0 || lon1 > 180.0 || lon2 > 180.0 {
        return Err("valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees".into());
    }
    let r = radius(inv.opt_str(4))?;
    Ok(Value::Double(haversine(lat1, lon1, lat2, lon2, r)))
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "GEO_DISTANCE",
        "The great-circle distance between (lat1, lon1) and (lat2, lon2) in decimal degrees, in kilometres, or in miles with a fifth argument 'MI'.",
        &[
            "DOUBLE, DOUBLE, DOUBLE, DOUBLE -> DOUBLE",
            "DOUBLE, DOUBLE, DOUBLE, DOUBLE, STRING -> DOUBLE",
        ],
        geo_distance,
    )
    .custom_nulls();
}
