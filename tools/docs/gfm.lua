-- Pandoc filter for `make docs`: antsibull-docs' simplified RST -> GitHub Markdown.
-- pandoc keeps RST backslash escapes inside inline literals and link targets
-- (docutils drops them), and the RST section labels antsibull-docs links to do
-- not survive as GitHub heading anchors; both are fixed here.

local function unescape(text)
  return (text:gsub('\\(%p)', '%1'))
end

-- GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'.
local function github_slug(inlines)
  local text = pandoc.text.lower(pandoc.utils.stringify(inlines))
  return (text:gsub('[^%w%- _]', ''):gsub(' ', '-'))
end

local anchors = {}

local function collect(header)
  if header.identifier ~= '' then
    anchors[header.identifier] = github_slug(header.content)
  end
end

local function fix_link(link)
  local target = unescape(link.target)
  local label = target:match('^#(.+)$')
  if label and anchors[label] then
    target = '#' .. anchors[label]
  end
  -- Links between the generated pages: foo_module.rst -> foo_module.md
  target = target:gsub('^([%w_]+)%.rst(#?.*)$', '%1.md%2')
  link.target = target
  return link
end

local function fix_code(code)
  code.text = unescape(code.text)
  return code
end

-- The RST `contents` directive has no Markdown form; GitHub shows its own outline.
local function drop_contents(div)
  if div.classes:includes('contents') then
    return {}
  end
end

return {
  { Header = collect },
  { Link = fix_link, Code = fix_code, Div = drop_contents },
}
