//! The two CSV readings metadata-action applies to its inputs (csv-parse
//! 7 with the options it passes), reproduced to the character:
//!
//! - [`input_list`]: a whole `images`/`tags`/`flavor`/`labels`/`annotations`
//!   input to its items (toolkit `Util.getInputList` with `ignoreComma`,
//!   comment `#` only at the start of a record, relaxed quotes): the input
//!   is trimmed, each CSV record is one item (fields re-joined with `,`, so
//!   quotes are consumed and commas kept), empty items dropped, items
//!   trimmed;
//! - [`fields`]: one tag, flavor or image line to its fields (strict
//!   quotes): a quote inside an unquoted field is an error.

/// One record's fields, and whether each was quoted.
type Record = Vec<String>;

/// Why a line could not be read as CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvError(pub(crate) String);

/// How quotes are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quotes {
    /// A quote inside an unquoted field, or text after a closing quote, is
    /// an error (csv-parse's default).
    Strict,
    /// Such quotes are kept as text (`relax_quotes`).
    Relaxed,
}

/// Reads `text` as CSV records (`,` between fields; `\n`, `\r\n` or `\r`
/// between records; `"` quotes with `""` inside), skipping empty lines;
/// with `comments`, a record starting with `#` is a comment.
fn records(text: &str, quotes: Quotes, comments: bool) -> Result<Vec<Record>, CsvError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut record: Record = Vec::new();
    let mut field = String::new();
    // The field has content (or was quoted): a quote is no longer opening.
    let mut started = false;
    let mut quoting = false;
    let mut commenting = false;
    let mut line = 1usize;
    let mut i = 0;
    let end_record = |record: &mut Record, field: &mut String, out: &mut Vec<Record>| {
        record.push(std::mem::take(field));
        let rec = std::mem::take(record);
        // skip_empty_lines: a record that is one empty field.
        if !(rec.len() == 1 && rec.first().is_some_and(String::is_empty)) {
            out.push(rec);
        }
    };
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if commenting {
            if c == '\n' || c == '\r' {
                commenting = false;
                line += 1;
                if c == '\r' && next == Some('\n') {
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        if quoting {
            if c == '"' {
                if next == Some('"') {
                    field.push('"');
                    i += 2;
                    continue;
                }
                let closes = matches!(next, None | Some(',' | '\n' | '\r'));
                quoting = false;
                if !closes {
                    if quotes == Quotes::Strict {
                        return Err(CsvError(format!(
                            "text after a closing quote at line {line} (a quoted field must end at its closing quote; write a quote inside it as `\"\"`)"
                        )));
                    }
                    // csv-parse keeps the quote, in front of the field.
                    field.insert(0, '"');
                }
                i += 1;
                continue;
            }
            if c == '\n' {
                line += 1;
            }
            field.push(c);
            i += 1;
            continue;
        }
        match c {
            '"' if !started => {
                quoting = true;
                started = true;
            }
            '"' => {
                if quotes == Quotes::Strict {
                    return Err(CsvError(format!(
                        "a quote inside the unquoted field `{field}\"…` at line {line} (quote the whole field: `\"…\"`, with `\"\"` for a quote inside)"
                    )));
                }
                field.push('"');
            }
            '#' if comments && record.is_empty() && !started => commenting = true,
            ',' => {
                record.push(std::mem::take(&mut field));
                started = false;
            }
            '\n' | '\r' => {
                end_record(&mut record, &mut field, &mut out);
                started = false;
                line += 1;
                if c == '\r' && next == Some('\n') {
                    i += 1;
                }
            }
            _ => {
                field.push(c);
                started = true;
            }
        }
        i += 1;
    }
    if quoting {
        return Err(CsvError(format!(
            "a quote opened before line {line} is never closed"
        )));
    }
    if started || !field.is_empty() || !record.is_empty() {
        end_record(&mut record, &mut field, &mut out);
    }
    Ok(out)
}

/// The items of a list input, as metadata-action reads them (module docs).
/// Items are trimmed; an item of only spaces is kept as `""` (upstream
/// drops empty items before trimming), for the caller to refuse.
pub(crate) fn input_list(text: &str) -> Result<Vec<String>, CsvError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    Ok(records(text, Quotes::Relaxed, true)?
        .into_iter()
        .map(|fields| fields.join(","))
        .filter(|item| !item.is_empty())
        .map(|item| item.trim().to_owned())
        .collect())
}

/// The fields of one tag, flavor or image line (its first CSV record),
/// with strict quotes.
pub(crate) fn fields(line: &str) -> Result<Vec<String>, CsvError> {
    Ok(records(line, Quotes::Strict, false)?
        .into_iter()
        .next()
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> Vec<String> {
        input_list(text).unwrap_or_else(|e| vec![format!("error: {}", e.0)])
    }

    #[test]
    fn lists_are_records_with_their_commas_kept() {
        // Reference §2: records re-joined with `,`; empty items dropped; trimmed.
        assert_eq!(
            list("  type=ref,event=branch\n\ntype=sha , format=long \n"),
            ["type=ref,event=branch", "type=sha , format=long"]
        );
        // CRLF line ends work.
        assert_eq!(list("a\r\nb\r\n"), ["a", "b"]);
        assert_eq!(list(""), Vec::<String>::new());
    }

    #[test]
    fn comments_start_only_a_record() {
        // Reference §2 (upstream __tests__/context.test.ts rows 3-5): `#`
        // is a comment only as a record's first character.
        assert_eq!(list("# all\nfoo#bar\na,#b\n#c"), ["foo#bar", "a,#b"]);
        // An indented `#` line is not a comment: the whole input is trimmed,
        // but not each line (observed: tag `-tab-comment`).
        assert_eq!(list("a\n\t# tab-comment"), ["a", "# tab-comment"]);
    }

    #[test]
    fn quotes_are_consumed_in_lists() {
        // Reference §2: `"pattern=a,b"` reaches the tag parser as `pattern=a,b`;
        // `"type=match,""pattern=\d{1,2}"""` carries a quoted attribute.
        assert_eq!(
            list(r#"type=match,"pattern=a,b""#),
            ["type=match,pattern=a,b"]
        );
        assert_eq!(
            list(r#""type=match,""pattern=\d{1,2}""""#),
            [r#"type=match,"pattern=\d{1,2}""#]
        );
        // Relaxed: a quote inside an unquoted field is kept.
        assert_eq!(list(r#"x.q=a "b" c"#), [r#"x.q=a "b" c"#]);
        assert_eq!(list(r#""x.dq=say ""hi""""#), [r#"x.dq=say "hi""#]);
    }

    #[test]
    fn lines_are_strict() {
        assert_eq!(
            fields("type=ref,event=branch").ok(),
            Some(vec!["type=ref".to_owned(), "event=branch".to_owned()])
        );
        assert_eq!(
            fields(r#"type=match,"pattern=\d{1,2}""#).ok(),
            Some(vec!["type=match".to_owned(), r"pattern=\d{1,2}".to_owned()])
        );
        // Reference §2: a quote inside an unquoted field fails the tag parser.
        assert!(fields(r#"type=raw,value=a"b"#).is_err());
        assert!(fields(r#"type=raw,"value"x"#).is_err());
        assert!(fields(r#"type=raw,"value"#).is_err());
        assert_eq!(fields("").ok(), Some(vec![]));
    }
}
