//! Reading a practice system's CSV export into source lines. A file is read
//! whole before anything is applied: one bad line refuses the file, and the
//! answer names every bad line (up to a screenful) by number and field.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::sync::{LineStatus, SourceLine};

/// Columns every file must have, as its first line names them.
pub const REQUIRED: [&str; 6] = ["invoice_id", "line_id", "invoice_date", "patient_id", "code", "quantity"];
/// Columns a file may have.
pub const OPTIONAL: [&str; 2] = ["status", "description"];
/// At most this many problems are listed; the count says how many more.
const SHOWN: usize = 20;

/// What is wrong with one line of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    /// The line number in the file (the column names are line 1).
    pub line: u64,
    /// The column, when one field is at fault.
    pub field: Option<String>,
    /// What to fix.
    pub message: String,
}

impl std::fmt::Display for LineProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, {field}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A refused file: its problems, and how many there were in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub problems: Vec<LineProblem>,
    pub total: usize,
}

impl Refused {
    /// No problems yet.
    pub fn none() -> Refused {
        Refused { problems: Vec::new(), total: 0 }
    }

    /// Counts a problem, and keeps it when fewer than a screenful are kept.
    pub fn add(&mut self, problem: LineProblem) {
        self.total += 1;
        if self.problems.len() < SHOWN {
            self.problems.push(problem);
        }
    }

    /// `value` when nothing was refused, else the refusal.
    pub fn or<T>(self, value: T) -> Result<T, Refused> {
        if self.total == 0 { Ok(value) } else { Err(self) }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Nothing of this file was applied. ")?;
        let listed: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        write!(f, "Fix {}", listed.join("; "))?;
        if self.total > self.problems.len() {
            write!(f, "; and {} more", self.total - self.problems.len())?;
        }
        write!(f, ".")
    }
}

/// Reads a whole export. The first line names the columns (any order, any
/// case); a UTF-8 byte order mark, Windows line ends and quoted fields with
/// commas are all fine.
pub fn read(bytes: &[u8]) -> Result<Vec<SourceLine>, Refused> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let refuse = |problem: LineProblem| Refused { problems: vec![problem], total: 1 };
    if let Some(problem) = utf16_problem(bytes) {
        return Err(refuse(problem));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => return Err(refuse(csv_problem(&e, 1))),
        None => return Err(refuse(LineProblem { line: 1, field: None, message: empty_file() })),
    };
    let columns = Columns::find(&header).map_err(refuse)?;
    let mut lines = Vec::new();
    let mut refused = Refused::none();
    let mut lines_at = LineCounter::new(bytes);
    for record in records {
        let outcome = match record {
            Ok(record) => {
                let line = lines_at.line_of(record.position().map_or(0, |p| p.byte()));
                columns.line(&record, line)
            }
            Err(e) => Err(csv_problem(&e, lines_at.line_of(e.position().map_or(0, |p| p.byte())))),
        };
        match outcome {
            Ok(Some(line)) => lines.push(line),
            Ok(None) => {}
            Err(problem) => refused.add(problem),
        }
    }
    refused.or(lines)
}

/// A spreadsheet's "Unicode text" is UTF-16: two bytes a letter, so every
/// column name would seem missing (or the file not text). Says what the
/// file is and how to save it instead.
pub(crate) fn utf16_problem(bytes: &[u8]) -> Option<LineProblem> {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") || first_line.contains(&0);
    utf16.then(|| LineProblem {
        line: 1,
        field: None,
        message: "this file is UTF-16 text, not UTF-8; save it again as CSV UTF-8 (in a spreadsheet, \
                  \"CSV UTF-8\" rather than \"Unicode text\")"
            .into(),
    })
}

fn empty_file() -> String {
    format!("the file is empty; its first line must name the columns {}", REQUIRED.join(", "))
}

/// Physical line numbers from byte offsets: the reader's own count does not
/// see a Windows line end as one.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, at: 0, line: 1 }
    }

    /// The line holding byte `offset`; offsets only grow.
    pub(crate) fn line_of(&mut self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        // After a Windows line end the reader places a record on its "\n".
        while self.bytes.get(offset).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            offset += 1;
        }
        if offset > self.at {
            self.line += self.bytes[self.at..offset].iter().filter(|b| **b == b'\n').count() as u64;
            self.at = offset;
        }
        self.line
    }
}

pub(crate) fn csv_problem(e: &csv::Error, line: u64) -> LineProblem {
    let message = match e.kind() {
        csv::ErrorKind::Io(_) => "the file could not be read to the end".into(),
        _ => "this line is not valid CSV (check its quotes)".into(),
    };
    LineProblem { line, field: None, message }
}

/// Where each column is.
struct Columns {
    at: [usize; 6],
    status: Option<usize>,
}

impl Columns {
    fn find(header: &csv::ByteRecord) -> Result<Columns, LineProblem> {
        let names: Vec<String> = header
            .iter()
            .map(|raw| String::from_utf8_lossy(raw).trim().to_ascii_lowercase().replace([' ', '-'], "_"))
            .collect();
        let position = |wanted: &str| names.iter().position(|n| n == wanted);
        let mut at = [0; 6];
        for (slot, wanted) in at.iter_mut().zip(REQUIRED) {
            *slot = position(wanted).ok_or_else(|| LineProblem {
                line: 1,
                field: Some(wanted.into()),
                message: format!(
                    "this column is missing; the first line must name the columns {} (and may add {})",
                    REQUIRED.join(", "),
                    OPTIONAL.join(", ")
                ),
            })?;
        }
        Ok(Columns { at, status: position("status") })
    }

    /// One line; `None` for a blank line.
    fn line(&self, record: &csv::ByteRecord, line: u64) -> Result<Option<SourceLine>, LineProblem> {
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return Ok(None);
        }
        let text = |index: usize, name: &str| -> Result<String, LineProblem> {
            let raw = record.get(index).unwrap_or_default();
            let value = std::str::from_utf8(raw).map_err(|_| LineProblem {
                line,
                field: Some(name.into()),
                message: "this is not UTF-8 text; export the file as UTF-8 (CSV UTF-8 in a spreadsheet)".into(),
            })?;
            Ok(value.trim().to_string())
        };
        let problem = |name: &str, message: String| LineProblem { line, field: Some(name.into()), message };
        let required = |index: usize, name: &str| -> Result<String, LineProblem> {
            check_text(&text(index, name)?).map_err(|m| problem(name, m))
        };
        let [invoice, line_id, date, patient, code, quantity] = self.at;
        let invoice_id = required(invoice, REQUIRED[0])?;
        let line_ref = required(line_id, REQUIRED[1])?;
        let date_text = required(date, REQUIRED[2])?;
        let invoice_date = parse_date(&date_text).ok_or_else(|| {
            problem(REQUIRED[2], format!("\"{date_text}\" is not a date; write it as 2026-11-23 (year-month-day)"))
        })?;
        let patient_ref = required(patient, REQUIRED[3])?;
        let code = required(code, REQUIRED[4])?;
        let quantity_text = required(quantity, REQUIRED[5])?;
        let quantity = parse_quantity(&quantity_text).map_err(|m| problem(REQUIRED[5], m))?;
        let status = match self.status {
            Some(index) => {
                let value = text(index, "status")?;
                LineStatus::parse(&value).ok_or_else(|| {
                    problem("status", format!("\"{value}\" is not a status; use final, deleted or void"))
                })?
            }
            None => LineStatus::Final,
        };
        Ok(Some(SourceLine { invoice_id, line_id: line_ref, invoice_date, patient_ref, code, quantity, status }))
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().filter(|d| crate::domain::on_calendar(*d))
}

/// A whole number of units, possibly negative, possibly written "1.00".
fn parse_quantity(text: &str) -> Result<i64, String> {
    let number: Decimal = text
        .parse()
        .map_err(|_| format!("\"{text}\" is not a number; write a whole number of units such as 2 or -1"))?;
    if !number.fract().is_zero() {
        return Err(format!("\"{text}\" is not a whole number of units"));
    }
    let whole: i64 = number.trunc().try_into().map_err(|_| format!("\"{text}\" is too large"))?;
    check_quantity(whole)
}

/// A required text field (ids and codes): not empty, at most 100
/// characters. The API's lines are held to the same rule.
pub fn check_text(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("is empty".into());
    }
    if value.chars().count() > 100 {
        return Err("is longer than 100 characters".into());
    }
    Ok(value.to_string())
}

/// A line's quantity: at most 10,000 units either way.
pub fn check_quantity(units: i64) -> Result<i64, String> {
    if units.unsigned_abs() > 10_000 {
        return Err(format!("{units} is more than 10,000 units on one line"));
    }
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "invoice_id,line_id,invoice_date,patient_id,code,quantity,description\r\n";

    #[test]
    fn windows_line_ends_a_bom_and_quoted_commas_are_read() {
        let file = format!(
            "\u{feff}{HEADER}INV-1,1,2026-11-02,P-7,WP-EXAM,1,\"Exam, annual\"\r\nINV-1,2,2026-11-02,P-7,WP-EXAM,-1.00,x\r\n"
        );
        let lines = read(file.as_bytes()).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].quantity, -1);
        assert_eq!(lines[0].code, "WP-EXAM");
    }

    #[test]
    fn each_bad_line_is_named_by_number_and_field() {
        let file = format!("{HEADER}INV-1,1,2026-11-02,P-7,WP-EXAM,two,\nINV-1,2,02/11/2026,P-7,WP-EXAM,1,\n");
        let refused = read(file.as_bytes()).unwrap_err();
        assert_eq!(refused.total, 2);
        assert_eq!(refused.problems[0].line, 2);
        assert_eq!(refused.problems[0].field.as_deref(), Some("quantity"));
        assert_eq!(refused.problems[1].line, 3);
        assert_eq!(refused.problems[1].field.as_deref(), Some("invoice_date"));
        assert!(refused.to_string().starts_with("Nothing of this file was applied."));
    }

    #[test]
    fn a_missing_column_and_text_that_is_not_utf8_are_refused() {
        let refused = read(b"invoice_id,line_id,invoice_date,patient_id,code\nA,1,2026-11-02,P,WP\n").unwrap_err();
        assert_eq!(refused.problems[0].field.as_deref(), Some("quantity"));
        assert_eq!(refused.problems[0].line, 1);
        let mut latin1 = HEADER.as_bytes().to_vec();
        latin1.extend_from_slice(b"INV-1,1,2026-11-02,P-7,WP-EXAM,1,Caf\xe9\n");
        latin1.extend_from_slice(b"INV-1,2,2026-11-02,P-\xe9,WP-EXAM,1,x\n");
        let refused = read(&latin1).unwrap_err();
        assert_eq!(refused.problems.len(), 1, "the description is not read, the patient id is");
        assert_eq!((refused.problems[0].line, refused.problems[0].field.as_deref()), (3, Some("patient_id")));
    }

    #[test]
    fn a_utf16_file_is_named_as_such_not_as_missing_columns() {
        let utf16 = |big_endian: bool, bom: bool| -> Vec<u8> {
            let text = format!("{HEADER}INV-1,1,2026-11-02,P-7,WP-EXAM,1,x\r\n");
            let units = (bom.then_some(0xFEFF)).into_iter().chain(text.encode_utf16());
            units.flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
        };
        for (big_endian, bom) in [(false, true), (true, true), (false, false)] {
            let refused = read(&utf16(big_endian, bom)).unwrap_err();
            assert_eq!((refused.problems[0].line, refused.problems[0].field.as_deref()), (1, None));
            assert!(refused.problems[0].message.contains("UTF-16"), "{}", refused.problems[0].message);
        }
    }
}
