"""The page's stylesheet: a fixed-width sidebar, compact cards and sliders, headline cards.

The sidebar keeps its width whatever it holds (a long scenario name is cut short with "...",
in full on hover) so the main area never moves; colours come from the theme, so dark mode
reads as well as light.
"""

SIDEBAR_PX = 330

CSS = f"""
.v-navigation-drawer {{ width: {SIDEBAR_PX}px !important; min-width: {SIDEBAR_PX}px !important;
                       max-width: {SIDEBAR_PX}px !important; }}
.takeoff-sidebar {{ max-width: {SIDEBAR_PX - 24}px; }}
.takeoff-card {{ padding: 2px 4px !important; margin: 0 !important; }}
.takeoff-card .v-card__title {{ font-size: 0.95rem; padding: 4px 8px 0 8px; }}
.takeoff-ellipsis, .takeoff-ellipsis .v-select__selection {{
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 100%; }}
.takeoff-title {{ max-width: 60vw; }}
.takeoff-knob {{ margin-bottom: 4px; }}
.takeoff-main {{ margin-top: -6px; }}
.takeoff-knob-label {{ font-size: 0.8rem; font-weight: 500; line-height: 1.1; }}
.takeoff-help {{ font-size: 0.68rem; line-height: 1.15; opacity: 0.7; overflow: hidden;
                display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }}
.takeoff-slider, .takeoff-redraw {{ margin: 0 !important; padding: 0 !important; }}
.takeoff-slider .v-input__slot, .takeoff-redraw .v-input__slot {{ margin: 0 !important;
                                                              min-height: 0 !important; }}
.takeoff-slider .v-slider--horizontal, .takeoff-redraw .v-slider--horizontal {{
  min-height: 22px !important; margin-top: 0 !important; margin-bottom: 0 !important; }}
.takeoff-asks {{ font-size: 0.72rem; line-height: 1.2; opacity: 0.8; overflow: hidden;
                display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }}
.takeoff-asks-main {{ font-size: 0.8rem; line-height: 1.25; overflow: hidden;
                     display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }}
.takeoff-headcards {{ display: flex; gap: 6px; flex-wrap: wrap; }}
.takeoff-headcard {{ flex: 1 1 120px; border: 1px solid rgba(127, 127, 127, 0.35);
                    border-radius: 6px; padding: 4px 8px; min-width: 0; }}
.takeoff-card-name {{ font-size: 0.68rem; text-transform: uppercase; opacity: 0.7; }}
.takeoff-card-value {{ font-size: 0.9rem; font-weight: 500; }}
.takeoff-card-vs {{ font-size: 0.7rem; opacity: 0.75; }}
.takeoff-milestones, .takeoff-band-status {{ font-size: 0.72rem; opacity: 0.8; }}
.takeoff-banner {{ margin: 0 !important; }}
.takeoff-pair > * {{ flex: 1 1 0; min-width: 0; }}
.takeoff-more .v-expansion-panel-header {{ padding: 4px 8px; min-height: 32px !important;
                                         font-size: 0.85rem; }}
.takeoff-more .v-expansion-panel-content__wrap {{ padding: 0 4px; }}
.takeoff-player {{ margin-bottom: 4px; }}
.takeoff-numbers-panel {{ font-size: 0.85rem; line-height: 1.3; }}
"""
