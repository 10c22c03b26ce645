//! A macro for enumerations that are stored and sent as snake_case text.

/// Declares an enum whose variants have one text name each, used in JSON, SQL and URLs alike.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $kind:literal, $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The text name used in JSON, SQL and URLs.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses a text name.
            pub fn parse(value: &str) -> Result<Self, $crate::DomainError> {
                match value {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::DomainError::InvalidEnum {
                        kind: $kind,
                        value: value.to_owned(),
                        expected: [$($text,)+].join(", "),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

pub(crate) use string_enum;
